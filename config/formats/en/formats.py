"""English dates with the month spelled out, as the date ranges write them (tours.wording):
Django's English abbreviates it ("Sept. 18, 2026"), so one page mixed both styles."""

DATE_FORMAT = "F j, Y"
DATETIME_FORMAT = "F j, Y, H:i"
