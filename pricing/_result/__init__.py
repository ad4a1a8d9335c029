"""The result of a preview: the views a program reads, and the previewOrder document."""
