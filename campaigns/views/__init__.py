"""Pages of the campaigns app, one module per resource (STYLE.md #6).

Every view is a function that fetches its objects through `accounts.access`, calls at most one
service, and renders or redirects.
"""
