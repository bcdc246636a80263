"""What readers see: the published marts read back as frames, charts and pages."""
