"""The Penyaluran page (issue 14): distribution periods, their KPM, cleaning, mapping and printing."""
