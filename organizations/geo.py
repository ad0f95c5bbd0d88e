"""Mexico's 32 federal entities, keyed by their INEGI two-letter style abbreviations."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class MexicanState(models.TextChoices):
    AGUASCALIENTES = "AGS", "Aguascalientes"
    BAJA_CALIFORNIA = "BC", "Baja California"
    BAJA_CALIFORNIA_SUR = "BCS", "Baja California Sur"
    CAMPECHE = "CAMP", "Campeche"
    CHIAPAS = "CHIS", "Chiapas"
    CHIHUAHUA = "CHIH", "Chihuahua"
    CIUDAD_DE_MEXICO = "CDMX", _("Mexico City")
    COAHUILA = "COAH", "Coahuila"
    COLIMA = "COL", "Colima"
    DURANGO = "DGO", "Durango"
    ESTADO_DE_MEXICO = "MEX", _("State of Mexico")
    GUANAJUATO = "GTO", "Guanajuato"
    GUERRERO = "GRO", "Guerrero"
    HIDALGO = "HGO", "Hidalgo"
    JALISCO = "JAL", "Jalisco"
    MICHOACAN = "MICH", "Michoacán"
    MORELOS = "MOR", "Morelos"
    NAYARIT = "NAY", "Nayarit"
    NUEVO_LEON = "NL", "Nuevo León"
    OAXACA = "OAX", "Oaxaca"
    PUEBLA = "PUE", "Puebla"
    QUERETARO = "QRO", "Querétaro"
    QUINTANA_ROO = "QROO", "Quintana Roo"
    SAN_LUIS_POTOSI = "SLP", "San Luis Potosí"
    SINALOA = "SIN", "Sinaloa"
    SONORA = "SON", "Sonora"
    TABASCO = "TAB", "Tabasco"
    TAMAULIPAS = "TAMPS", "Tamaulipas"
    TLAXCALA = "TLAX", "Tlaxcala"
    VERACRUZ = "VER", "Veracruz"
    YUCATAN = "YUC", "Yucatán"
    ZACATECAS = "ZAC", "Zacatecas"
