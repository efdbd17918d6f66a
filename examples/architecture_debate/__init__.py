"""Architecture debate: a reasoned brief, then three agents debate and a judge breaks ties."""
