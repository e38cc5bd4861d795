"""CSV files from LMSs and class tools, read into a preview and imported as facts."""
