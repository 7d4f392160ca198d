"""The spreadsheet upload of /manage/imports/, for every role that may import something."""
