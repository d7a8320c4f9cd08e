"""Inventory stores."""
