"""The science: config, data, networks, losses, the Trainer and metrics.

No threads, no processes, no gradio: a run is ``Trainer(config).step()`` in a loop, so a test
or the CLI drives it in a few lines. Nothing here imports ``live``, ``web`` or ``cli``.
"""
