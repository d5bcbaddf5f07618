"""Adaptive Card builders: pure functions from workflow views to card dicts.

``render.render_card`` loads what a card needs and decides whether it still
acts; the builders in the family modules only shape the card.
"""
