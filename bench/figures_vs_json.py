"""Processor and wall time of the default job against its --format json run (docs/performance.md).

    python3 bench/figures_vs_json.py .build/release/attnviz [RUNS]

Runs from the project folder (all-MiniLM-L6-v2 under models/)."""
import subprocess, time, statistics, sys, tempfile, os
B=sys.argv[1]; runs=int(sys.argv[2]) if len(sys.argv)>2 else 15
S="The animal didn't cross the street because it was too tired."
cases=[("builtin default",[B,"--out",None,S]),("builtin json",[B,"--format","json","--out",None,S]),
("minilm default",[B,"--model","all-MiniLM-L6-v2","--out",None,S]),("minilm json",[B,"--model","all-MiniLM-L6-v2","--format","json","--out",None,S])]
res={}
for name,argv in cases:
    d=tempfile.mkdtemp()
    a=[d if x is None else x for x in argv]
    ws=[];cs=[]
    for i in range(runs+1):
        t=time.perf_counter()
        p=subprocess.Popen(a,stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
        _,st,ru=os.wait4(p.pid,0)
        e=time.perf_counter()-t
        if i: ws.append(e); cs.append(ru.ru_utime+ru.ru_stime)
    sizes=sum(os.path.getsize(os.path.join(d,f)) for f in os.listdir(d) if f.endswith('.png'))
    res[name]=(statistics.median(ws),statistics.median(cs))
    print(f"{name:16s} wall median {statistics.median(ws)*1000:7.1f} ms (min {min(ws)*1000:6.1f})  cpu median {statistics.median(cs)*1000:7.1f} ms  png bytes {sizes}")
for m in ["builtin","minilm"]:
    print(m, "ratio wall %.2f  cpu %.2f" % (res[m+" default"][0]/res[m+" json"][0], res[m+" default"][1]/res[m+" json"][1]))
