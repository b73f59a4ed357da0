<?xml version="1.0" encoding="UTF-8"?>
<CHANNEL HREF="weather/index.html" LASTMOD="2026-11-24T11:00">
	<TITLE>Harbor City Weather</TITLE>
	<ABSTRACT>Conditions, forecasts &amp; marine warnings for Harbor City and the bay, updated four times a day. Temperatures in °F and °C.</ABSTRACT>
	<LOGO HREF="weather/logo-80x32.svg" STYLE="IMAGE"/>
	<LOGO HREF="weather/icon.svg" STYLE="ICON"/>
	<SCHEDULE STARTDATE="2026-11-01" TIMEZONE="-0500">
		<INTERVALTIME HOUR="6"/>
		<EARLIESTTIME HOUR="1"/>
		<LATESTTIME HOUR="5"/>
	</SCHEDULE>

	<ITEM HREF="weather/now.html" LASTMOD="2026-11-24T11:00">
		<TITLE>Current Conditions</TITLE>
		<ABSTRACT>41 °F (5 °C), overcast, wind NE 18 mph.</ABSTRACT>
	</ITEM>
	<ITEM HREF="weather/forecast.html" LASTMOD="2026-11-24T10:30">
		<TITLE>5-Day Forecast</TITLE>
		<ABSTRACT>Rain and wind Tuesday night, clearing and colder for the holiday weekend.</ABSTRACT>
	</ITEM>
	<ITEM HREF="weather/marine.html" LASTMOD="2026-11-24T10:45">
		<TITLE>Marine Forecast: Harbor &amp; Outer Banks</TITLE>
		<ABSTRACT>Small craft advisory; seas 6 to 9 ft beyond the breakwater.</ABSTRACT>
	</ITEM>
	<ITEM HREF="weather/storm-advisory.html" LASTMOD="2026-11-24T09:55">
		<TITLE>Storm Advisory: Coastal Gale</TITLE>
		<ABSTRACT>Gale warning from 7 p.m. Tuesday to 10 a.m. Wednesday. Secure boats and loose objects.</ABSTRACT>
	</ITEM>
</CHANNEL>
