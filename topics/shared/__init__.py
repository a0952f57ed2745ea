"""What several pages share: strings and languages, URL parameters, number formatting, pasted-tensor
parsing and input checks, the figure template and palette, code-snippet helpers, the check rows, and
the one-sample model of the playground and gradient pages. No page's topic is imported here."""
