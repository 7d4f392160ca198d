"""Pages anyone may open: home, search, a posting or a program (where a worker applies or enrols), login."""
