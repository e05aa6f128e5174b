"""The Gradio page: layout, tabs and panels, input checks, the request-body limit, the figure
builders (``viz``) and the page's JavaScript. Imports ``live`` and ``engine``, never ``cli``.
"""
