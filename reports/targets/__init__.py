"""Annual targets: the form and the pages where administrators set them."""
