"""``dancekit serve``: a local web app to make a dance from a song and watch it in 3D.

:func:`create_app` builds the ASGI app (Starlette); the command runs it with uvicorn. Both
are optional dependencies (``pip install 'dancekit[serve]'``), imported only by the command.
"""
