"""Small readers of rendered pages, for assertions about one element."""


def first_option(html: str, select_id: str) -> str:
    """The first <option> of the select with ``id="select_id"``, as written in the page."""
    return html.split(f'id="{select_id}"')[1].split("</select>")[0].split("<option")[1]
