/**
 * Protobuf request bodies captured from the real clients (kubectl v1.32.3, helm v3.17.2) against a
 * recording HTTPS server, with the JSON each must decode to. For `kubectl create` the JSON is
 * kubectl's own `--dry-run=client -o json` output of the same command (nulls removed); the others
 * were checked by hand. Test data only.
 */

export interface CapturedBody {
  name: string;
  /** The command that sent the body. */
  command: string;
  /** The body, hex-encoded. */
  hex: string;
  /** The object it decodes to. */
  want: Record<string, unknown>;
}

export const CAPTURED: CapturedBody[] = [
  {
    name: "kubectl create secret generic",
    command: "kubectl create secret generic x --from-literal=a=b --from-literal=empty= --type=Opaque",
    hex: [
      '6b3873000a0c0a0276311206536563726574122e0a110a017812001a0022002a0032003800420012060a016112016212',
      '090a05656d70747912001a064f70617175651a002200',
    ].join(''),
    want: {"kind":"Secret","apiVersion":"v1","metadata":{"name":"x"},"data":{"a":"Yg==","empty":""},"type":"Opaque"},
  },
  {
    name: "kubectl create configmap",
    command: "kubectl create configmap cm --from-literal=k=v",
    hex: [
      '6b3873000a0f0a0276311209436f6e6669674d6170121c0a120a02636d12001a0022002a0032003800420012060a016b',
      '1201761a002200',
    ].join(''),
    want: {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm"},"data":{"k":"v"}},
  },
  {
    name: "kubectl create namespace",
    command: "kubectl create namespace ns1",
    hex: [
      '6b3873000a0f0a02763112094e616d657370616365121b0a130a036e733112001a0022002a0032003800420012001a02',
      '0a001a002200',
    ].join(''),
    want: {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"ns1"},"spec":{},"status":{}},
  },
  {
    name: "kubectl create serviceaccount",
    command: "kubectl create serviceaccount sa1",
    hex: [
      '6b3873000a140a027631120e536572766963654163636f756e7412150a130a0373613112001a0022002a003200380042',
      '001a002200',
    ].join(''),
    want: {"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"sa1"}},
  },
  {
    name: "kubectl create deployment",
    command: "kubectl create deployment d --image=nginx --replicas=2 --port=80",
    hex: [
      '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412b0010a1b0a016412001a0022002a003200380042',
      '005a080a036170701201641282010802120a0a080a036170701201641a6a0a1a0a0012001a0022002a00320038004200',
      '5a080a03617070120164124c122e0a056e67696e7812056e67696e782a00320a0a001000185022002a0042006a007200',
      '800100880100900100a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a0028003800',
      '1a0c0800100018002000280038001a002200',
    ].join(''),
    want: {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"d","labels":{"app":"d"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"d"}},"template":{"metadata":{"labels":{"app":"d"}},"spec":{"containers":[{"name":"nginx","image":"nginx","ports":[{"containerPort":80}],"resources":{}}]}},"strategy":{}},"status":{}},
  },
  {
    name: "kubectl create deployment --replicas=0",
    command: "kubectl create deployment d0 --image=nginx --replicas=0",
    hex: [
      '6b3873000a150a07617070732f7631120a4465706c6f796d656e7412a7010a1d0a02643012001a0022002a0032003800',
      '42005a090a036170701202643012780800120b0a090a03617070120264301a5f0a1b0a0012001a0022002a0032003800',
      '42005a090a0361707012026430124012220a056e67696e7812056e67696e782a0042006a007200800100880100900100',
      'a201001a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c08001000180020',
      '00280038001a002200',
    ].join(''),
    want: {"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"d0","labels":{"app":"d0"}},"spec":{"replicas":0,"selector":{"matchLabels":{"app":"d0"}},"template":{"metadata":{"labels":{"app":"d0"}},"spec":{"containers":[{"name":"nginx","image":"nginx","resources":{}}]}},"strategy":{}},"status":{}},
  },
  {
    name: "kubectl create job",
    command: "kubectl create job j1 --image=busybox -- echo hi",
    hex: [
      '6b3873000a0f0a0862617463682f763112034a6f621284010a120a026a3112001a0022002a0032003800420012643262',
      '0a100a0012001a0022002a00320038004200124e122b0a026a31120762757379626f781a046563686f1a0268692a0042',
      '006a007200800100880100900100a201001a054e65766572320042004a0052005800600068008201008a01009a0100c2',
      '01001a082000280030003a001a002200',
    ].join(''),
    want: {"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"j1"},"spec":{"template":{"metadata":{},"spec":{"containers":[{"name":"j1","image":"busybox","command":["echo","hi"],"resources":{}}],"restartPolicy":"Never"}}},"status":{}},
  },
  {
    name: "kubectl create cronjob",
    command: "kubectl create cronjob cj --image=busybox --schedule='*/1 * * * *' -- date",
    hex: [
      '6b3873000a130a0862617463682f7631120743726f6e4a6f6212a4010a120a02636a12001a0022002a00320038004200',
      '128b010a0b2a2f31202a202a202a202a1a002a7a0a120a02636a12001a0022002a00320038004200126432620a100a00',
      '12001a0022002a00320038004200124e12270a02636a120762757379626f781a04646174652a0042006a007200800100',
      '880100900100a201001a094f6e4661696c757265320042004a0052005800600068008201008a01009a0100c201001a00',
      '1a002200',
    ].join(''),
    want: {"kind":"CronJob","apiVersion":"batch/v1","metadata":{"name":"cj"},"spec":{"schedule":"*/1 * * * *","jobTemplate":{"metadata":{"name":"cj"},"spec":{"template":{"metadata":{},"spec":{"containers":[{"name":"cj","image":"busybox","command":["date"],"resources":{}}],"restartPolicy":"OnFailure"}}}}},"status":{}},
  },
  {
    name: "kubectl create role",
    command: "kubectl create role r1 --verb=get,list --resource=pods,secrets --resource-name=a",
    hex: [
      '6b3873000a240a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311204526f6c6512350a120a02',
      '723112001a0022002a00320038004200121f0a036765740a046c69737412001a04706f64731a07736563726574732201',
      '611a002200',
    ].join(''),
    want: {"kind":"Role","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"r1"},"rules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods","secrets"],"resourceNames":["a"]}]},
  },
  {
    name: "kubectl create clusterrole --aggregation-rule",
    command: "kubectl create clusterrole agg --aggregation-rule=rbac.example.com/aggregate=true",
    hex: [
      '6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b436c7573746572526f6c',
      '65123d0a130a0361676712001a0022002a003200380042001a260a240a220a1a726261632e6578616d706c652e636f6d',
      '2f6167677265676174651204747275651a002200',
    ].join(''),
    want: {"kind":"ClusterRole","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"agg"},"aggregationRule":{"clusterRoleSelectors":[{"matchLabels":{"rbac.example.com/aggregate":"true"}}]}},
  },
  {
    name: "kubectl create rolebinding",
    command: "kubectl create rolebinding rb1 --role=r1 --user=alice --serviceaccount=default:sa1 --group=devs",
    hex: [
      '6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b526f6c6542696e64696e',
      '6712b6010a130a0372623112001a0022002a00320038004200122a0a04557365721219726261632e617574686f72697a',
      '6174696f6e2e6b38732e696f1a05616c6963652200122a0a0547726f75701219726261632e617574686f72697a617469',
      '6f6e2e6b38732e696f1a0464657673220012200a0e536572766963654163636f756e7412001a03736131220764656661',
      '756c741a250a19726261632e617574686f72697a6174696f6e2e6b38732e696f1204526f6c651a0272311a002200',
    ].join(''),
    want: {"kind":"RoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"rb1"},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"},{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"devs"},{"kind":"ServiceAccount","name":"sa1","namespace":"default"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r1"}},
  },
  {
    name: "kubectl create service nodeport",
    command: "kubectl create service nodeport s2 --tcp=80:8080 --node-port=30080",
    hex: [
      '6b3873000a0d0a02763112075365727669636512670a1d0a02733212001a0022002a003200380042005a090a03617070',
      '1202733212420a1d0a0738302d38303830120354435018502207080010903f1a002880eb0112090a0361707012027332',
      '1a0022084e6f6465506f72743a00420052005a00600068001a020a001a002200',
    ].join(''),
    want: {"kind":"Service","apiVersion":"v1","metadata":{"name":"s2","labels":{"app":"s2"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}],"selector":{"app":"s2"},"type":"NodePort"},"status":{"loadBalancer":{}}},
  },
  {
    name: "kubectl create quota",
    command: "kubectl create quota q1 --hard=pods=2,requests.cpu=500m,limits.memory=1Gi --scopes=BestEffort",
    hex: [
      '6b3873000a130a027631120d5265736f7572636551756f746112610a120a02713112001a0022002a0032003800420012',
      '490a160a0d6c696d6974732e6d656d6f727912050a033147690a0b0a04706f647312030a01320a160a0c726571756573',
      '74732e63707512060a043530306d120a426573744566666f72741a001a002200',
    ].join(''),
    want: {"kind":"ResourceQuota","apiVersion":"v1","metadata":{"name":"q1"},"spec":{"hard":{"limits.memory":"1Gi","pods":"2","requests.cpu":"500m"},"scopes":["BestEffort"]},"status":{}},
  },
  {
    name: "kubectl create pdb --max-unavailable=50%",
    command: "kubectl create pdb pdb2 --selector=a=b --max-unavailable=50%",
    hex: [
      '6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e42756467657412390a140a0470646232',
      '12001a0022002a00320038004200121512080a060a01611201621a09080110001a033530251a0a080018002000280030',
      '001a002200',
    ].join(''),
    want: {"kind":"PodDisruptionBudget","apiVersion":"policy/v1","metadata":{"name":"pdb2"},"spec":{"selector":{"matchLabels":{"a":"b"}},"maxUnavailable":"50%"},"status":{"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,"expectedPods":0}},
  },
  {
    name: "kubectl create pdb --min-available=0",
    command: "kubectl create pdb pdb0 --selector=a=b --min-available=0",
    hex: [
      '6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e42756467657412360a140a0470646230',
      '12001a0022002a0032003800420012120a06080010001a0012080a060a01611201621a0a080018002000280030001a00',
      '2200',
    ].join(''),
    want: {"kind":"PodDisruptionBudget","apiVersion":"policy/v1","metadata":{"name":"pdb0"},"spec":{"minAvailable":0,"selector":{"matchLabels":{"a":"b"}}},"status":{"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,"expectedPods":0}},
  },
  {
    name: "kubectl create priorityclass --value=0",
    command: "kubectl create priorityclass pc0 --value=0",
    hex: [
      '6b3873000a250a147363686564756c696e672e6b38732e696f2f7631120d5072696f72697479436c61737312310a130a',
      '0370633012001a0022002a003200380042001000180022002a14507265656d70744c6f7765725072696f726974791a00',
      '2200',
    ].join(''),
    want: {"kind":"PriorityClass","apiVersion":"scheduling.k8s.io/v1","metadata":{"name":"pc0"},"value":0,"preemptionPolicy":"PreemptLowerPriority"},
  },
  {
    name: "kubectl create ingress",
    command: "kubectl create ingress ing1 --class=nginx --rule=foo.com/bar*=svc:8080,tls=sec --default-backend=defsvc:http --annotation=a=b",
    hex: [
      '6b3873000a1f0a146e6574776f726b696e672e6b38732e696f2f76311207496e67726573731280010a1c0a04696e6731',
      '12001a0022002a0032003800420062060a0161120162125c0a1422120a0664656673766312080a04687474701000120e',
      '0a07666f6f2e636f6d12037365631a2d0a07666f6f2e636f6d12220a200a1e0a042f626172120e220c0a037376631205',
      '0a0010903f1a0650726566697822056e67696e781a020a001a002200',
    ].join(''),
    want: {"kind":"Ingress","apiVersion":"networking.k8s.io/v1","metadata":{"name":"ing1","annotations":{"a":"b"}},"spec":{"ingressClassName":"nginx","defaultBackend":{"service":{"name":"defsvc","port":{"name":"http"}}},"tls":[{"hosts":["foo.com"],"secretName":"sec"}],"rules":[{"host":"foo.com","http":{"paths":[{"path":"/bar","pathType":"Prefix","backend":{"service":{"name":"svc","port":{"number":8080}}}}]}}]},"status":{"loadBalancer":{}}},
  },
  {
    name: "kubectl create secret docker-registry",
    command: "kubectl create secret docker-registry reg --docker-server=r.io --docker-username=u --docker-password=p",
    hex: [
      '6b3873000a0c0a0276311206536563726574128c010a130a0372656712001a0022002a0032003800420012550a112e64',
      '6f636b6572636f6e6669676a736f6e12407b226175746873223a7b22722e696f223a7b22757365726e616d65223a2275',
      '222c2270617373776f7264223a2270222c2261757468223a2264547077227d7d7d1a1e6b756265726e657465732e696f',
      '2f646f636b6572636f6e6669676a736f6e1a002200',
    ].join(''),
    want: {"kind":"Secret","apiVersion":"v1","metadata":{"name":"reg"},"data":{".dockerconfigjson":"eyJhdXRocyI6eyJyLmlvIjp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImF1dGgiOiJkVHB3In19fQ=="},"type":"kubernetes.io/dockerconfigjson"},
  },
  {
    name: "kubectl create token",
    command: "kubectl create token sa1 --duration=1h --audience=api --audience=vault --bound-object-kind=Pod --bound-object-name=p1 --bound-object-uid=123",
    hex: [
      '6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e52657175657374123d',
      '0a100a0012001a0022002a0032003800420012230a036170690a057661756c741a120a03506f64120276311a02703122',
      '0331323320901c1a040a0012001a002200',
    ].join(''),
    want: {"apiVersion":"authentication.k8s.io/v1","kind":"TokenRequest","metadata":{},"spec":{"audiences":["api","vault"],"boundObjectRef":{"kind":"Pod","apiVersion":"v1","name":"p1","uid":"123"},"expirationSeconds":3600},"status":{"token":""}},
  },
  {
    name: "kubectl auth can-i",
    command: "kubectl auth can-i get pods --subresource=log -n kube-system",
    hex: [
      '6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a65637441636365',
      '737352657669657712430a100a0012001a0022002a0032003800420012250a230a0b6b7562652d73797374656d120367',
      '65741a0022002a04706f647332036c6f673a001a08080012001a0020001a002200',
    ].join(''),
    want: {"apiVersion":"authorization.k8s.io/v1","kind":"SelfSubjectAccessReview","metadata":{},"spec":{"resourceAttributes":{"namespace":"kube-system","verb":"get","resource":"pods","subresource":"log"}},"status":{"allowed":false}},
  },
  {
    name: "kubectl drain (pod delete)",
    command: "kubectl drain node1 --ignore-daemonsets --grace-period=7 (no eviction API)",
    hex: [
      '6b3873000a130a027631120d44656c6574654f7074696f6e73120208071a002200',
    ].join(''),
    want: {"apiVersion":"v1","kind":"DeleteOptions","gracePeriodSeconds":7},
  },
  {
    name: "kubectl debug node",
    command: "kubectl debug node/node1 --image=busybox",
    hex: [
      '6b3873000a090a0276311203506f6412d2010a290a196e6f64652d64656275676765722d6e6f6465312d646d646e7612',
      '001a0022002a003200380042001292010a120a09686f73742d726f6f7412050a030a012f12450a086465627567676572',
      '120762757379626f782a0042004a180a09686f73742d726f6f7410001a052f686f7374220032006a0072008001008801',
      '00900100a2010446696c651a054e65766572320042004a0052056e6f6465315801600168018201008a01009a0100b201',
      '0e0a0012064578697374731a002200c201001a100a001a0022002a0032004a005a0072001a002200',
    ].join(''),
    want: {"apiVersion":"v1","kind":"Pod","metadata":{"name":"node-debugger-node1-dmdnv"},"spec":{"volumes":[{"name":"host-root","hostPath":{"path":"/"}}],"containers":[{"name":"debugger","image":"busybox","resources":{},"volumeMounts":[{"name":"host-root","mountPath":"/host"}],"terminationMessagePolicy":"File"}],"restartPolicy":"Never","nodeName":"node1","hostNetwork":true,"hostPID":true,"hostIPC":true,"tolerations":[{"operator":"Exists"}]},"status":{}},
  },
  {
    name: "helm install (release secret create)",
    command: "helm install rel ./chart",
    hex: [
      '6b3873000a0c0a027631120653656372657412e1050a87010a1973682e68656c6d2e72656c656173652e76312e72656c',
      '2e763112001a0022002a003200380042005a170a09637265617465644174120a313739353436353639395a0b0a046e61',
      '6d65120372656c5a0d0a056f776e6572120468656c6d5a190a06737461747573120f70656e64696e672d696e7374616c',
      '6c5a0c0a0776657273696f6e12013112c0040a0772656c6561736512b4044834734941414141414141432f3553523057',
      '2f614d4244472f35586f39757251784f7459736451583245414954645536426f566c6d6f3759435337324f597164564b',
      '6a6966353943437075307037333550702b2f2b2b376e5679433043675455796741445459554438517146726e33344a56',
      '566c3346464a454d4154506f7a544e4f62766c7a77522f45366b6f38484839505a327949656a757930774d5069664436',
      '51794b7078627a34585061313046375167457a456b486a53625335414d61457a556b5666324352324467413462476734',
      '424b6b645255786d383963474b513737454f58587172416b6f4d324a33663170504b4f6d4451717472334d354a424f6b',
      '694141565a366452566233766b596c78394155474d4d673642735a54416f442b4c483165777133755232634554626b65',
      '766e77655a70584b33733670687a302b366558536d6650792b516d326237795a56662b616a5a576b504c3966526c596c',
      '4d6a5a39504435756c782f314336636a3737734e2b7476772f6e7330657a57392b464455385732396b3032537a64596a',
      '345a317739367a43666c2f543263666a4a6f305452646f6a36697a2f664b34715571744c6c636e5268594a46306f4830',
      '4241484d635a7659752b7561624f6c5967364944662f4c4a4c524878346961744f4d4470716b6943614f436c312b7753',
      '716a4331795255525231514871764f4c635a58665744694e714d2f676165736a4d39583248652f3065426a516c772b68',
      '304141502f2f6a4b7630616f45434141413d1a1268656c6d2e73682f72656c656173652e76311a002200',
    ].join(''),
    want: {"apiVersion":"v1","kind":"Secret","metadata":{"name":"sh.helm.release.v1.rel.v1","labels":{"createdAt":"1795465699","name":"rel","owner":"helm","status":"pending-install","version":"1"}},"data":{"release":"SDRzSUFBQUFBQUFDLzVTUjBXL2FNQkRHLzVYbzl1clF4T3RZc2RRWDJFQUlUZFU2Qm9WbG1vN1lDUzcyT1lxZFZLamlmNTlDQ3B1MHA3MzVQcCsvKys3blZ5QzBDZ1RVeWdBRFRZVUQ4UXFGcm4zNEpWVmwzRkZKRU1BVFBvelROT2J2bHp3Ui9FNmtvOEhIOVBaMnlJZWp1eTB3TVBpZkQ2UXlLcHhiejRYUGExMEY3UWdFekVrSGpTYlM1QU1hRXpVa1ZmMkNSMkRnQTRiR2c0QktrZFJVeG04OWNHS1E3N0VPWFhxckFrb00ySjNmMXBQS09tRFFxdHIzTTVKQk9raUFBVlo2ZFJWYjN2a1lseDlBVUdNTWc2QnNaVEFvRCtMSDFld3EzdVIyY0VUYmtldm53ZVpwWEszczZwaHowKzZlWFNtZlB5K1FtMmI3eVpWZithalpXa1BMOWZSbFlsTWpaOVBENXVseC8xQzZjajc3c04rdHZ3L25zMGV6VzkrRkRVOFcyOWswMlN6ZFlqNFoxdzk2ekNmbC9UMmNmakpvMFRSZG9qNml6L2ZLNHFVcXRMbGNuUmhZSkYwb0gwQkFITWNadll1K3VhYk9sWWc2SURmL0xKTFJIeDRpYXRPTURwcWtpQ2FPQ2wxK3dTcWpDMXlSVVJSMVFIcXZPTGNaWGZXRGlOcU0vZ2Flc2pNOVgySGUvMGVCalFsdytoMEFBUC8vakt2MGFvRUNBQUE9"},"type":"helm.sh/release.v1"},
  },
  {
    name: "helm install (release secret update)",
    command: "helm install rel ./chart",
    hex: [
      '6b3873000a0c0a027631120653656372657412cb050a81010a1973682e68656c6d2e72656c656173652e76312e72656c',
      '2e763112001a0022002a003200380042005a180a0a6d6f6469666965644174120a313739353436353639395a0b0a046e',
      '616d65120372656c5a0d0a056f776e6572120468656c6d5a120a0673746174757312086465706c6f7965645a0c0a0776',
      '657273696f6e12013112b0040a0772656c6561736512a4044834734941414141414141432f35535251592f614d424346',
      '2f306f3076547073346d3470574e6f4c74434345716c57334642616171686f634a33675a32314873704549722f6e7356',
      '4b476d6c6e6e727a50492f6676506e384368614e41674731496d43676265464176454b686178392b354b6f6964314935',
      '434f414a48385a7047764f334b35344950684c706550412b766238663875463474414d4768502f354946656b77715831',
      '556e685a3679706f5a30484177767141524a4630707571616749455047426f5041766f525a7762796748586f34686f56',
      '4d4d654133666e3350726b794468693071765a583032535144684a67674a566539324c4c4f78397938676a434e6b514d',
      '676a495659564165784c66657242667670426d633048536f72764e672b7a7970316d5a396b707a612f59737238356550',
      '532b545537443634386a4d664e7a74446472575a2f5a79616c504c35374c6839666a6f386c7135637a4e386439707576',
      '773858386966616255646a795a4c6d627a354c747969305830306e3971436438576a343877506b376778617036524a64',
      '4933703555415a7656614870646e566d594e447151766b41417549347a7579623649747261716c45314147352b326552',
      '7a503768496149327a657852323178455532634c585837434b724d3375434b7a5564514275587246306d533231343869',
      '616a50374e2f435558656a3543755831507770734b4d44355677414141502f2f48327858653349434141413d1a126865',
      '6c6d2e73682f72656c656173652e76311a002200',
    ].join(''),
    want: {"apiVersion":"v1","kind":"Secret","metadata":{"name":"sh.helm.release.v1.rel.v1","labels":{"modifiedAt":"1795465699","name":"rel","owner":"helm","status":"deployed","version":"1"}},"data":{"release":"SDRzSUFBQUFBQUFDLzVTUlFZL2FNQkNGLzBvMHZUcHM0bTRwV05vTHRDQ0VxbFczRkJhYXFob2NKM2daMjFIc3BFSXIvbnNWS0dtbG5ucnpQSS9mdlBuOENoYU5BZ0cxSW1DZ2JlRkF2RUtoYXg5KzVLb2lkMUk1Q09BSkg4WnBHdk8zSzU0SVBoTHBlUEErdmI4Zjh1RjR0QU1HaFAvNUlGZWt3cVgxVW5oWjZ5cG9aMEhBd3ZxQVJKRjBwdXFhZ0lFUEdCb1BBdm9SWndieWdIWG80aG9WTU1lQTNmbjNQcmt5RGhpMHF2WlgwMlNRRGhKZ2dKVmU5MkxMT3g5eThnakNOa1FNZ2pJVllWQWV4TGZlckJmdnBCbWMwSFNvcnZOZyt6eXAxbVo5a3B6YS9Zc3I4NWVQUytUVTdENjQ4ak1mTnp0RGRyV1ovWnlhbFBMNTdMaDlmam84bHE1Y3pOOGQ5cHV2dzhYOGlmYWJVZGp5WkxtYno1THR5aTBYMDBuOXFDZDhXajQ4d1BrN2d4YXA2UkpkSTNwNVVBWnZWYUhwZG5WbVlORHFRdmtBQXVJNHp1eWI2SXRyYXFsRTFBRzUrMmVSelA3aElhSTJ6ZXhSMjF4RVUyY0xYWDdDS3JNM3VDS3pVZFFCdVhyRjBtUzIxNDhpYWpQN04vQ1VYZWo1Q3VYMVB3cHNLTUQ1VndBQUFQLy9IMnhYZTNJQ0FBQT0="},"type":"helm.sh/release.v1"},
  },
  {
    name: "helm uninstall (release secret delete)",
    command: "helm uninstall rel",
    hex: [
      '6b3873000a130a027631120d44656c6574654f7074696f6e7312001a002200',
    ].join(''),
    want: {"apiVersion":"v1","kind":"DeleteOptions"},
  },
];
