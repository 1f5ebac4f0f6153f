namespace Platform.SourceSimulator.Domain.People;

/// <summary>A real Brazilian city with its state, area code (DDD) and CEP range, so addresses and phones agree.</summary>
internal sealed record City(int Id, string Name, string Uf, string State, string Ddd, int CepFrom, int CepTo, int Weight)
{
    /// <summary>Ploomes-style numeric state id (the order of <see cref="BrazilianPlaces.States"/>).</summary>
    public int StateId => Array.IndexOf(BrazilianPlaces.States, Uf) + 1;
}

/// <summary>A postal address; <see cref="Cep"/> is 8 digits.</summary>
internal sealed record PostalAddress(string Street, string Number, string? Complement, string Neighborhood, City City, string Cep)
{
    public string FormattedCep => $"{Cep[..5]}-{Cep[5..]}";

    public string Line1 => $"{Street}, {Number}";
}

internal static class BrazilianPlaces
{
    public static readonly string[] States =
    [
        "AC", "AL", "AP", "AM", "BA", "CE", "DF", "ES", "GO", "MA", "MT", "MS", "MG", "PA",
        "PB", "PR", "PE", "PI", "RJ", "RN", "RS", "RO", "RR", "SC", "SP", "SE", "TO",
    ];

    // Weights follow population roughly, so São Paulo and Rio dominate as they do in real customer bases.
    public static readonly City[] Cities =
    [
        new(3550308, "São Paulo", "SP", "São Paulo", "11", 1000000, 5999999, 24),
        new(3509502, "Campinas", "SP", "São Paulo", "19", 13000000, 13139999, 4),
        new(3548500, "Santos", "SP", "São Paulo", "13", 11000000, 11099999, 2),
        new(3543402, "Ribeirão Preto", "SP", "São Paulo", "16", 14000000, 14114999, 2),
        new(3552205, "Sorocaba", "SP", "São Paulo", "15", 18000000, 18109999, 2),
        new(3549904, "São José dos Campos", "SP", "São Paulo", "12", 12200000, 12248999, 2),
        new(3304557, "Rio de Janeiro", "RJ", "Rio de Janeiro", "21", 20000000, 23799999, 12),
        new(3303302, "Niterói", "RJ", "Rio de Janeiro", "21", 24000000, 24399999, 2),
        new(3106200, "Belo Horizonte", "MG", "Minas Gerais", "31", 30000000, 31999999, 6),
        new(3170206, "Uberlândia", "MG", "Minas Gerais", "34", 38400000, 38415999, 2),
        new(3136702, "Juiz de Fora", "MG", "Minas Gerais", "32", 36000000, 36099999, 1),
        new(4106902, "Curitiba", "PR", "Paraná", "41", 80000000, 82999999, 4),
        new(4113700, "Londrina", "PR", "Paraná", "43", 86000000, 86099999, 1),
        new(4314902, "Porto Alegre", "RS", "Rio Grande do Sul", "51", 90000000, 91999999, 4),
        new(4305108, "Caxias do Sul", "RS", "Rio Grande do Sul", "54", 95000000, 95124999, 1),
        new(4205407, "Florianópolis", "SC", "Santa Catarina", "48", 88000000, 88099999, 2),
        new(4209102, "Joinville", "SC", "Santa Catarina", "47", 89200000, 89239999, 1),
        new(2927408, "Salvador", "BA", "Bahia", "71", 40000000, 42599999, 4),
        new(2910800, "Feira de Santana", "BA", "Bahia", "75", 44000000, 44099999, 1),
        new(2611606, "Recife", "PE", "Pernambuco", "81", 50000000, 52999999, 3),
        new(2304400, "Fortaleza", "CE", "Ceará", "85", 60000000, 61599999, 3),
        new(2408102, "Natal", "RN", "Rio Grande do Norte", "84", 59000000, 59099999, 1),
        new(2507507, "João Pessoa", "PB", "Paraíba", "83", 58000000, 58099999, 1),
        new(2704302, "Maceió", "AL", "Alagoas", "82", 57000000, 57099999, 1),
        new(2800308, "Aracaju", "SE", "Sergipe", "79", 49000000, 49099999, 1),
        new(2211001, "Teresina", "PI", "Piauí", "86", 64000000, 64099999, 1),
        new(2111300, "São Luís", "MA", "Maranhão", "98", 65000000, 65099999, 1),
        new(1501402, "Belém", "PA", "Pará", "91", 66000000, 66999999, 2),
        new(1302603, "Manaus", "AM", "Amazonas", "92", 69000000, 69099999, 2),
        new(5208707, "Goiânia", "GO", "Goiás", "62", 74000000, 74899999, 2),
        new(5300108, "Brasília", "DF", "Distrito Federal", "61", 70000000, 72799999, 3),
        new(5002704, "Campo Grande", "MS", "Mato Grosso do Sul", "67", 79000000, 79124999, 1),
        new(5103403, "Cuiabá", "MT", "Mato Grosso", "65", 78000000, 78109999, 1),
        new(3205309, "Vitória", "ES", "Espírito Santo", "27", 29000000, 29099999, 1),
        new(1100205, "Porto Velho", "RO", "Rondônia", "69", 76800000, 76834999, 1),
        new(1721000, "Palmas", "TO", "Tocantins", "63", 77000000, 77270999, 1),
    ];

    public static readonly string[] Neighborhoods =
    [
        "Centro", "Jardim América", "Vila Mariana", "Boa Vista", "Santa Cruz", "São José", "Jardim Europa", "Bela Vista",
        "Vila Nova", "Santo Antônio", "Cidade Nova", "Liberdade", "Jardim Paulista", "Parque das Flores", "Alto da Glória",
        "Copacabana", "Savassi", "Moinhos de Vento", "Pituba", "Boa Viagem", "Aldeota", "Batel", "Trindade", "Asa Sul",
        "Tijuca", "Pinheiros", "Moema", "Ponta Verde", "Jardim Botânico", "Vila Isabel",
    ];

    public static readonly string[] StreetNames =
    [
        "Sete de Setembro", "XV de Novembro", "Tiradentes", "Dom Pedro II", "Santos Dumont", "Barão do Rio Branco",
        "Marechal Deodoro", "Getúlio Vargas", "José Bonifácio", "das Flores", "das Palmeiras", "São João",
        "Rui Barbosa", "Castro Alves", "Princesa Isabel", "Duque de Caxias", "Visconde de Mauá", "Paulista",
        "Brasil", "Independência", "Osvaldo Cruz", "Machado de Assis", "Carlos Gomes", "Presidente Vargas",
        "Bento Gonçalves", "Floriano Peixoto", "Voluntários da Pátria", "Treze de Maio", "Anita Garibaldi", "dos Andradas",
    ];

    public static readonly string[] StreetTypes = ["Rua", "Rua", "Rua", "Rua", "Avenida", "Avenida", "Travessa", "Alameda"];

    public static readonly string[] Complements = ["Apto 12", "Apto 101", "Apto 304", "Casa 2", "Bloco B", "Sala 501", "Fundos", "Conjunto 81"];

    private static readonly int TotalWeight = Cities.Sum(c => c.Weight);

    public static City CityAt(double unit)
    {
        var target = (int)(unit * TotalWeight);
        foreach (var city in Cities)
        {
            if (target < city.Weight)
            {
                return city;
            }
            target -= city.Weight;
        }
        return Cities[0];
    }
}
