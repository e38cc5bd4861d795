"""Learning activity from LMSs and class tools, normalized into one stream of facts."""
