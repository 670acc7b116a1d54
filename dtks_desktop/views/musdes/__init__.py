"""Stage Musdes/Muskel: the village meeting page (musdes_view), its decisions table and dialogs."""
