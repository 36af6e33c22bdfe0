"""Charts (matplotlib, imported only when one is drawn): the house style, one chart per module."""
