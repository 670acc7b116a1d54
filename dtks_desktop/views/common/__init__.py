"""Qt building blocks shared by every page: messages, job runner glue, the app context, pickers.
"""
