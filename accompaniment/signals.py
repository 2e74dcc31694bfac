from django.dispatch import Signal

# Sent inside project_close's transaction, with project, user and on (the end date): the apps
# that hang work on a project (volunteers' cases) end it there, without accompaniment importing
# them.
project_closed = Signal()
