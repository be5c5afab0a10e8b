"""Converters that turn published championship data into cupsite sites (docs/real-data.md)."""
