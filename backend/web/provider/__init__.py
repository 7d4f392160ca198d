"""A training provider's pages: programs, their sessions (开班) and enrolments."""
