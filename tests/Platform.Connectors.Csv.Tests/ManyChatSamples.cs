using System.Text;

namespace Platform.Connectors.Csv.Tests;

/// <summary>ManyChat exports as the users have them.</summary>
internal static class ManyChatSamples
{
    public const string Header =
        "ID do assinante;Nome;Sobrenome;E-mail;Telefone;WhatsApp;Tags;Valor gasto;Data de inscrição;Última interação;Opt-in de e-mail;Curso de interesse;Cidade natal";

    /// <summary>Six rows: line 4 has columns missing, line 5 an amount that is not one, line 6 a date that is not one.</summary>
    public static string WithBadRows(string prefix) => string.Join("\r\n",
        Header,
        $"{prefix}1;Ana;Souza;ana.{prefix}@example.com;(11) 98765-4321;5511987654321;\"Lead, Webinar\";1.234,56;46057,56185;46060,25;Sim;Inglês;Recife",
        $"{prefix}2;Bruno;Lima;bruno.{prefix}@example.com;;;Lead;0;05/02/2026;10/02/2026 14:30;Não;;",
        $"{prefix}3;Carla;Dias;carla.{prefix}@example.com;21 99999-0000;;;97,00;46057;46061",
        $"{prefix}4;Davi;Rocha;davi.{prefix}@example.com;;;;doze reais;46057;46061;;;",
        $"{prefix}5;Eva;Melo;eva.{prefix}@example.com;;;;10,00;ontem;46061;;;",
        $"{prefix}6;Fábio;Reis;fabio.{prefix}@example.com;;;VIP;2.000,00;46058;46062;Sim;Espanhol;Natal",
        "");

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
