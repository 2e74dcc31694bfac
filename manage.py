#!/usr/bin/env python
import sys


def main() -> None:
    from pes21.startup import configured

    def run() -> None:
        import django
        from django.core.management import execute_from_command_line

        django.setup()
        execute_from_command_line(sys.argv)

    configured(run)


if __name__ == "__main__":
    main()
