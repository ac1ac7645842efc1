%% The work of bench/lists.snow in Erlang (bench/lists.sh): prepends are
%% `[I | Acc]`; appends build in order the Erlang way (cons, then
%% lists:reverse, since `Acc ++ [I]` is quadratic); reverse is
%% lists:reverse. Same arguments (phase, rounds), same output:
%% `erl -noshell -s lists_bench main Phase Rounds -s init stop`.
-module(lists_bench).
-export([main/1]).

-define(N, 1000000).

prepend(I, N, Acc) when I >= N -> Acc;
prepend(I, N, Acc) -> prepend(I + 1, N, [I | Acc]).

work(prepend, _) -> prepend(0, ?N, []);
work(prepend_fn, _) -> prepend(0, ?N, []);
work(append, _) -> lists:reverse(prepend(0, ?N, []));
work(reverse, Base) -> lists:reverse(Base);
work(build, Base) -> Base.

summary(L) ->
    io_lib:format("~b ~b ~b ~b", [length(L), hd(L), lists:nth(500001, L), lists:last(L)]).

%% The summary walks the list, so only the last round's is taken.
rounds(Phase, 1, Base) -> summary(work(Phase, Base));
rounds(Phase, K, Base) ->
    _ = work(Phase, Base),
    rounds(Phase, K - 1, Base).

main([none, _]) ->
    io:format("none~n");
main([Phase, Rounds]) ->
    Base = case Phase of
        build -> work(append, []);
        reverse -> work(append, []);
        _ -> []
    end,
    K = list_to_integer(atom_to_list(Rounds)),
    io:format("~s ~s~n", [Phase, rounds(Phase, K, Base)]).
