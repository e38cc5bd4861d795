"""Signed webhooks (Standard Webhooks) from class apps and mission tools."""
