"""The worker's own pages: the profile wizard (also used by staff at the window), recommendations
and activity."""
