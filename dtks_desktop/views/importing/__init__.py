"""Stage 1, Impor Data: choose a file, check its columns, import, read the result.
"""
