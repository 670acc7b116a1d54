"""Pages and dialogs of the documents stage: the letter register, the authenticity check."""
