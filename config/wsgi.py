from django.core.wsgi import get_wsgi_application

from pes21.startup import configured

application = configured(get_wsgi_application)
