"""An xAPI statement endpoint, as a Learning Record Store presents it to senders."""
