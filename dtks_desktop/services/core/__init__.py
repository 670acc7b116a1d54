"""Services every stage uses: users and roles, audit log, office settings, regions, the
registry of families and members, browsing, status workflow, database opening and locks.
"""
