"""makemessages that also reads the Jinja2 templates under templates/jinja2/.

Django's own command reads every template as a Django template, which finds none of
Jinja2's `{% trans %}` blocks or `ngettext()` calls. Jinja2 extracts its own messages;
they are written out as gettext calls for xgettext, so both engines share one catalogue.
"""

import os

from django.core.management.commands import makemessages
from django.template import engines

JINJA_DIR = os.path.join("templates", "jinja2", "")


class BuildFile(makemessages.BuildFile):
    @property
    def is_jinja(self) -> bool:
        return os.path.normpath(self.path).startswith(JINJA_DIR)

    def preprocess(self):
        if not self.is_jinja:
            return super().preprocess()
        with open(self.path, encoding="utf-8") as source:
            found = engines["jinja2"].env.extract_translations(source.read())
        # One line per message at the template's own line, so the references stay right.
        lines = {}
        for lineno, function, message in found:
            arguments = message if isinstance(message, tuple) else (message,)
            call = f"{function}({', '.join(repr(a) for a in arguments if a is not None)})"
            lines.setdefault(lineno, []).append(call)
        last = max(lines, default=0)
        with open(self.work_path, "w", encoding="utf-8") as stub:
            stub.writelines("; ".join(lines.get(n, [])) + "\n" for n in range(1, last + 1))


class Command(makemessages.Command):
    build_file_class = BuildFile
