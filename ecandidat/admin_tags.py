"""Template tags of the admin's own templates (``{% load ecandidat_admin %}``, registered in
settings.TEMPLATES): ``{% app_list %}`` writes Django's ``admin/app_list.html`` (the
navigation sidebar on every admin page, the index) in Python.

Django's template renders about 30 nodes per model for the 35 models a central administrator
sees, some 3 ms of every admin page (docs/performance.md); written directly the same HTML,
whitespace included, costs a tenth of it. tests/ecandidat/test_admin_tags.py compares it with
Django's own template for several users, paths and both languages."""

from html import escape
from urllib.parse import quote

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


def _e(value) -> str:
    """Django's autoescape of a ``{{ value }}`` (for strings and lazy strings)."""
    return escape(str(value))


@register.simple_tag(takes_context=True)
def app_list(context):
    apps = context.get("app_list")
    show_changelinks = context.get("show_changelinks")
    request = context.get("request")
    path = quote(request.path) if request is not None else ""
    if not apps:
        message = gettext("You don’t have permission to view or edit anything.")
        return mark_safe(f"\n\n\n  <p>{message}</p>\n")  # noqa: S308 (escaped)
    # {% translate "literal" %} is not escaped (a literal is safe), its variables are.
    heads = (gettext("Model name"), gettext("Add link"), gettext("Change or view list link"))
    add, view, change = gettext("Add"), gettext("View"), gettext("Change")
    models_in = gettext("Models in the %(name)s application")
    out = ["\n\n\n  "]
    for app in apps:
        label, url, name = _e(app["app_label"]), app["app_url"], _e(app["name"])
        current = " current-app" if url in path else ""
        out.append(
            f'\n    <div class="app-{label} module{current}">\n      <table>\n        <caption>\n'
            f'          <a href="{_e(url)}" class="section" title="{models_in % {"name": name}}">'
            f"{name}</a>\n        </caption>\n"
            '        <thead class="visually-hidden">\n          <tr>\n'
            f'            <th scope="col">{heads[0]}</th>\n'
            f'            <th scope="col">{heads[1]}</th>\n'
            f'            <th scope="col">{heads[2]}</th>\n'
            "          </tr>\n        </thead>\n        "
        )
        for model in app["models"]:
            model_name = _e(str(model["object_name"]).lower())
            ident = f"{label}-{model_name}"
            admin_url, model_title = model.get("admin_url"), _e(model["name"])
            here = bool(admin_url) and admin_url in path
            if admin_url:
                page = ' aria-current="page"' if here else ""
                link = (
                    f'\n                  <a href="{_e(admin_url)}"{page}>{model_title}</a>'
                    "\n                "
                )
            else:
                link = f"\n                  {model_title}\n                "
            if model.get("add_url"):
                add_cell = (
                    f'\n                <td><a href="{_e(model["add_url"])}" class="addlink"'
                    f' aria-describedby="{ident}">{add}</a></td>\n              '
                )
            else:
                add_cell = "\n                <td></td>\n              "
            if admin_url and show_changelinks:
                kind, text = (
                    ("viewlink", view) if model.get("view_only") else ("changelink", change)
                )
                change_cell = (
                    f'\n                \n                  <td><a href="{_e(admin_url)}"'
                    f' class="{kind}" aria-describedby="{ident}">{text}</a></td>'
                    "\n                \n              "
                )
            elif show_changelinks:
                change_cell = "\n                <td></td>\n              "
            else:
                change_cell = ""
            out.append(
                f'\n          \n            <tr class="model-{model_name}'
                f'{" current-model" if here else ""}">\n'
                f'              <th scope="row" id="{ident}">\n                {link}\n'
                f"              </th>\n\n              {add_cell}\n\n              {change_cell}\n"
                "            </tr>\n          \n        "
            )
        out.append("\n      </table>\n    </div>\n  ")
    # The template's last line ends the output with its newline.
    out.append("\n")
    return mark_safe("".join(out))  # noqa: S308 (every value escaped above)
