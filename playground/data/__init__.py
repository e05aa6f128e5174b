"""Datasets: 2-D toy distributions (toy2d) and, later, MNIST."""
