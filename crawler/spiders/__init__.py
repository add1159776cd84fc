"""Spiders: ``portal`` walks one county portal's columns and fetches every listed item."""
