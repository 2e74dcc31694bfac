from django.dispatch import Signal

# Sent by holder_anonymise, inside its transaction, with `holder` (not yet renamed): the apps
# that keep more about a holder (public/: registrations, requests, questionnaire answers) erase
# it and return {what: (records, history rows)} for the register.
holder_anonymised = Signal()

# Sent by holder_export with `holder`: the apps that keep more about a holder return the lines
# that say it (a title underlined with "=", then one line a record).
holder_exported = Signal()
