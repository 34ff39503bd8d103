"""Templates compiled once per language, with their constant `_('…')` already translated.

A template's `_('Repair board')` is a call on every render: find the request's catalog, look the
words up, mark them safe, apply `%` (`i18n.template_gettext`). A job page makes ~100 such calls for
words that are the same on every request in that language. Here a template is compiled for the
language it is first rendered in, and its `_()` / `gettext()` of a single string literal are
replaced by the translated text; Jinja then writes it out with the markup around it, as if it had
been typed into the template. The compiled template is cached per (name, language).

What is not folded stays a call, with the same result as before: `_()` with variables or a
non-literal argument, `{% trans %}` blocks, ngettext, and any template compiled from a string
(`from_string`), which has no name to cache it by.

The language is Flask-Babel's at the time the template is loaded — the request's, or the one
`force_locale` sets for a message — and the words are from that same catalog, so a template
rendered for an English reader and then for a Chinese one is two templates. A changed catalog
(.mo) needs a restart to show in templates already compiled, as it does for Flask-Babel.

It overrides two private methods of Jinja 3.1's Environment (`_load_template`, whose cache key gains
the language, and `_parse`); tests/web/test_templates_per_language.py holds every page, folded, to
the page with the calls, so an upgrade of Jinja that changes them shows there.
"""
from __future__ import annotations

import weakref
from contextvars import ContextVar

from flask.templating import Environment as FlaskEnvironment
from jinja2 import nodes
from jinja2.visitor import NodeTransformer

FOLD = True  # tests compare pages with and without folding
_NAMES = ("_", "gettext")
_compiling: ContextVar = ContextVar("wuye_template_catalog")


def _catalog():
    """(the language's name, its catalog) as Flask-Babel has them now."""
    from flask_babel import get_locale, get_translations
    return str(get_locale()), get_translations()


class Environment(FlaskEnvironment):
    def _load_template(self, name, globals):
        if self.loader is None:
            raise TypeError("no loader for this environment specified")
        locale, translations = _catalog() if FOLD else (None, None)
        cache_key = (weakref.ref(self.loader), name, locale)
        if self.cache is not None:
            template = self.cache.get(cache_key)
            if template is not None and (not self.auto_reload or template.is_up_to_date):
                if globals:
                    template.globals.update(globals)
                return template
        token = _compiling.set(translations)
        try:
            template = self.loader.load(self, name, self.make_globals(globals))
        finally:
            _compiling.reset(token)
        if self.cache is not None:
            self.cache[cache_key] = template
        return template

    def _parse(self, source, name, filename):
        tree = super()._parse(source, name, filename)
        translations = _compiling.get(None)
        if translations is not None:
            tree = _Fold(translations).visit(tree)
        return tree


class _Fold(NodeTransformer):
    def __init__(self, translations):
        self.translations = translations

    def visit_Call(self, node: nodes.Call):
        node = self.generic_visit(node)
        if not (isinstance(node.node, nodes.Name) and node.node.name in _NAMES and node.node.ctx == "load"
                and len(node.args) == 1 and isinstance(node.args[0], nodes.Const)
                and isinstance(node.args[0].value, str)
                and not node.kwargs and node.dyn_args is None and node.dyn_kwargs is None):
            return node
        try:  # what template_gettext does with no variables: `% {}` (so "%%" is "%")
            text = self.translations.ugettext(node.args[0].value) % {}
        except (KeyError, ValueError, TypeError):
            return node  # left to fail or succeed at render time, as before
        # safe when autoescaping, as template_gettext marks a translation
        return nodes.MarkSafeIfAutoescape(nodes.Const(text, lineno=node.lineno), lineno=node.lineno)
