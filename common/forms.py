"""Form helpers shared by the apps' admins."""


def extend_form(form, *mixins, **attrs):
    """A subclass of the form class `form` with `mixins` in front and `attrs` added.

    Subclassing a ModelForm builds its fields anew from the model; the subclass keeps the
    fields of `form` instead, as the admin and its mixins have adjusted them.
    """
    extended = type(form.__name__, (*mixins, form), attrs)
    extended.base_fields = form.base_fields
    return extended
