# The report editions land with the report issue; figures live in reporting/selectors.py.
