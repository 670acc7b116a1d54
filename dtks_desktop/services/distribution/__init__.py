"""Stages 6-7: PT Pos data cleaning and distribution (issue 14)."""
