"""Claims of free repairs' cost: from the builders (保修期内) and from the maintenance fund (公共部位)."""
