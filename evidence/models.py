# Evidence files (issue #4): stored outside the web root, served only through checked views.
