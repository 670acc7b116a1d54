"""Stage 2, Pemadanan: the review queue and side-by-side comparison.
"""
