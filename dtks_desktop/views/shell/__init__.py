"""The application shell: main window, start-up dialogs (connection, first admin, login).
"""
