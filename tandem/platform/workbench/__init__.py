"""The board's matching workbench: runs of the engine, proposals to steer, publishing, rematch requests."""
