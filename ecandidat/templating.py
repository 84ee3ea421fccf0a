"""``{% extends %}`` as Django's, with the root template's blocks found once (a builtin library
of the template engine, so it replaces Django's tag in every template).

On every render, Django's ``ExtendsNode`` walks the whole of the root template (``base.html``:
about 200 nodes) to list its ``{% block %}`` nodes, which cannot change once the template is
compiled: a tenth of the layout's rendering time. This one lists them once per compiled
template and otherwise does what Django's does (``ExtendsNode.render``, Django 5.2, copied
but for that). ``tests/ecandidat/test_templating.py`` compares the two on a chain of templates
overriding blocks at every level, with ``{{ block.super }}``."""

import weakref

from django import template
from django.template.base import TextNode
from django.template.loader_tags import (
    BLOCK_CONTEXT_KEY,
    BlockContext,
    BlockNode,
    ExtendsNode,
    do_extends,
)

register = template.Library()

# Compiled template -> its blocks by name if it is a root (extends nothing), else None.
_ROOT_BLOCKS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def root_blocks(compiled: template.base.Template) -> dict | None:
    try:
        return _ROOT_BLOCKS[compiled]
    except KeyError:
        pass
    blocks = None
    for node in compiled.nodelist:
        # The ExtendsNode has to be the first non-text node (Django's own rule).
        if not isinstance(node, TextNode):
            if not isinstance(node, ExtendsNode):
                blocks = {n.name: n for n in compiled.nodelist.get_nodes_by_type(BlockNode)}
            break
    _ROOT_BLOCKS[compiled] = blocks
    return blocks


class KeptBlocksExtendsNode(ExtendsNode):
    def render(self, context):
        compiled_parent = self.get_parent(context)
        if BLOCK_CONTEXT_KEY not in context.render_context:
            context.render_context[BLOCK_CONTEXT_KEY] = BlockContext()
        block_context = context.render_context[BLOCK_CONTEXT_KEY]
        block_context.add_blocks(self.blocks)
        # add_blocks only reads the dict: the kept one can be shared by every render.
        blocks = root_blocks(compiled_parent)
        if blocks is not None:
            block_context.add_blocks(blocks)
        with context.render_context.push_state(compiled_parent, isolated_context=False):
            return compiled_parent._render(context)


@register.tag("extends")
def extends(parser, token):
    node = do_extends(parser, token)
    return KeptBlocksExtendsNode(node.nodelist, node.parent_name, node.template_dirs)
