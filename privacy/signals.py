from django.dispatch import Signal

# Sent by holder_export with `holder`: the apps that keep more about a holder (public/:
# registrations, requests, questionnaire answers) return the lines that say it (a title
# underlined with "=", then one line a record). Their erasure is the map's (personal_data.py).
holder_exported = Signal()
