"""GAN Playground: watch a generative adversarial network train, live.

The engine (config, data, models, losses, trainer, metrics) imports nothing from the UI, so a
run can be driven from a test or the CLI in a few lines.
"""

__version__ = "0.1.0"
